# The operator image for users with Docker (or podman/buildah): the same layout as `npm run image` builds without
# a daemon (node at /nodejs/bin/node, the package at /app, user 65532, entry point `node /app/bin/cdk8s-otel`,
# command `operator`), on distroless's Node.js 20 image instead of the builder's own node binary and libraries.
#   docker build -t cdk8s-otel:0.0.0 .
#   docker run --rm cdk8s-otel:0.0.0 --help
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY imports ./imports
RUN node_modules/.bin/tsc -p tsconfig.json --outDir /app/lib --declaration false --inlineSourceMap false --inlineSources false \
    && mkdir -p /app/bin && cp bin/cdk8s-otel /app/bin/ \
    && node -e 'const p=require("./package.json");require("fs").writeFileSync("/app/package.json",JSON.stringify({name:p.name,version:p.version,description:p.description,license:p.license,main:p.main,bin:p.bin,dependencies:p.dependencies},null,2)+"\n")' \
    && cp package-lock.json /app/ && cd /app && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm package-lock.json \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.map' -o -name '*.ts' -o -name '*.md' \) -delete

FROM gcr.io/distroless/nodejs20-debian12:nonroot
COPY --from=build /app /app
WORKDIR /app
ENV NODE_ENV=production
USER 65532:65532
EXPOSE 8081 8443 9443
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/cdk8s-otel"]
CMD ["operator"]
