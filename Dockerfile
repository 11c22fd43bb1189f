# One image for every platform service; the service is chosen by SERVICE_ENTRY (see scripts/services.mjs).
#   docker build --build-arg SERVICE_ENTRY=dist/apps/gateway/src/main.js -t powernode/gateway .
# docker-compose.yml builds it once per service.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Default state directory for services that keep local files (the gateway's operator-token).
RUN mkdir -p /var/lib/powernode && chown node:node /var/lib/powernode
ENV POWERNODE_STATE_DIR=/var/lib/powernode
ARG SERVICE_ENTRY=dist/apps/gateway/src/main.js
ENV SERVICE_ENTRY=${SERVICE_ENTRY}
USER node
# exec: node becomes the container's main process and receives SIGTERM (run with `init: true` / --init).
CMD ["sh", "-c", "exec node --enable-source-maps \"$SERVICE_ENTRY\""]
