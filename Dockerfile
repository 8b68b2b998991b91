# scx: one standalone binary on a small base image, run as a non-root user.
#   docker build -t scx:0.1.0 .
#   docker run -p 8000:8000 -v "$PWD/app:/app:ro" scx:0.1.0 serve /app/scx.yaml
# Environment overrides work as everywhere: -e SCX_PORT=9000 -e SCX_AUTH__KEY=...
# Or bake your app in: FROM scx:0.1.0 / COPY app/ /app/ (scx.yaml, worker.ts, public/).
# .dockerignore keeps the build context to what is copied here.

FROM oven/bun:1.4 AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN bun install --production --ignore-scripts
COPY cli.ts worker.ts broker.ts ./
COPY src ./src
COPY scripts ./scripts
# The same build as `npm run build`: CLI, worker and broker entries, the client as an asset.
ARG SCX_COMMIT=unknown
RUN SCX_COMMIT=${SCX_COMMIT} bun scripts/build.ts && mkdir -p /out && cp dist/scx /out/scx

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin scx \
 && mkdir -p /app && chown scx /app
COPY --from=build /out/scx /usr/local/bin/scx
USER 10001
WORKDIR /app
# Bun's transpiler cache would write under $HOME: off, so a read-only root filesystem works.
ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH=0
EXPOSE 8000
# Reads the port and TLS from the same config as CMD (and SCX_* overrides): no curl, no fixed port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD ["/usr/local/bin/scx", "healthcheck", "/app/scx.yaml"]
ENTRYPOINT ["/usr/local/bin/scx"]
CMD ["serve", "/app/scx.yaml"]
