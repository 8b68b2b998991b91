# Stub until the shipping issue: runs scx from source with Bun.
FROM oven/bun:1.4-slim
WORKDIR /opt/scx
COPY package.json ./
RUN bun install --production
COPY cli.ts worker.ts broker.ts ./
COPY src ./src
EXPOSE 8000
ENTRYPOINT ["bun", "/opt/scx/cli.ts"]
CMD ["serve", "/app/scx.yaml"]
