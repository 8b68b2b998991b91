# scx: one standalone binary on a small base image, run as a non-root user.
#   docker build -t scx .
#   docker run -p 8000:8000 -v "$PWD/app:/app" scx serve /app/scx.yaml
# Environment overrides work as everywhere: -e SCX_PORT=9000 -e SCX_AUTH__KEY=...

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
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD ["/usr/local/bin/scx", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/scx"]
CMD ["serve", "/app/scx.yaml"]
