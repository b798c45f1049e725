# commflow-mock: docker run -p 4010:4010 commflow-mock
# Build stage: dev dependencies, TypeScript → dist/ (with the Swagger UI files and the default fixtures prebuilt).
FROM node:22.21.1-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json openapi.yaml ./
COPY scripts ./scripts
COPY fixtures ./fixtures
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root.
FROM node:22.21.1-bookworm-slim
ENV NODE_ENV=production \
    COMMFLOW_MOCK_HOST=0.0.0.0 \
    COMMFLOW_MOCK_PORT=4010
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY openapi.yaml README.md LICENSE ./
COPY fixtures ./fixtures
USER node
EXPOSE 4010
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.COMMFLOW_MOCK_PORT || 4010) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1: the CLI handles SIGTERM and SIGINT itself and exits cleanly.
CMD ["node", "dist/cli.js"]
