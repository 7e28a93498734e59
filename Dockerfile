# syntax=docker/dockerfile:1
#
# genomeinfer images. Two targets, one Dockerfile:
#
#   docker build -t genomeinfer:0.1.0 .                                  # CPU (default: the last stage)
#   docker build --target cpu -t genomeinfer:0.1.0 .                     # the same, explicitly
#   docker build --target gpu --platform linux/amd64 -t genomeinfer:0.1.0-gpu .   # CUDA 12 + cuDNN 9
#
#   docker run --rm -p 8080:8080 genomeinfer:0.1.0                       # serve on 0.0.0.0:8080
#   docker run --rm --gpus all -p 8080:8080 genomeinfer:0.1.0-gpu serve --host 0.0.0.0 --device cuda
#   docker run --rm -v /data:/data genomeinfer:0.1.0 annotate --manifest /data/m.tsv --out /data/out --models centromere,histone
#
# The entrypoint is the CLI, so any genomeinfer command can be given as arguments.
# Both images run as uid/gid 1000 (numeric, so Kubernetes' runAsNonRoot can verify it) and
# only write to /var/lib/genomeinfer (serve's --state-dir) and /tmp.

ARG NODE_IMAGE=node:20-bookworm-slim
# CUDA 12 runtime with cuDNN 9: what onnxruntime-node 1.30's CUDA execution provider needs.
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04

# ---- node: the Node.js 20 runtime, whose binary the GPU image borrows ----------------------
FROM ${NODE_IMAGE} AS node

# ---- build: compile TypeScript (dev dependencies live only here) ---------------------------
FROM node AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the root `prepare` script (tsc) needs the sources, copied below, and
# onnxruntime-node's postinstall is not needed for compiling.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p . && test -f dist/src/cli/main.js

# ---- deps-cpu: production node_modules with the CPU-only ONNX Runtime ----------------------
FROM node AS deps-cpu
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc sets onnxruntime-node-install=skip: nothing is downloaded, ORT runs on CPU.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- deps-gpu: production node_modules plus ORT's CUDA 12 provider (downloaded from NuGet) --
FROM node AS deps-gpu
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The environment variable wins over .npmrc's `skip`. `npm rebuild` runs only
# onnxruntime-node's install script (the root `prepare` needs TypeScript, a dev dependency).
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild onnxruntime-node \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && npm cache clean --force

# ---- gpu: CUDA 12 + cuDNN 9 runtime, Node.js 20, CUDA-enabled ONNX Runtime -----------------
FROM ${CUDA_IMAGE} AS gpu
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 genomeinfer \
 && useradd --uid 1000 --gid 1000 --no-create-home --home-dir /app --shell /usr/sbin/nologin genomeinfer \
 && mkdir -p /var/lib/genomeinfer && chown 1000:1000 /var/lib/genomeinfer \
 && node --version
WORKDIR /app
ENV NODE_ENV=production
COPY package.json ./
COPY --from=deps-gpu /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY models ./models
# The genome-browser page's own files (igv.js itself comes with node_modules).
COPY web ./web
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--state-dir", "/var/lib/genomeinfer", "--device", "auto"]

# ---- cpu (default target): Debian bookworm slim, Node.js 20, CPU ONNX Runtime ---------------
FROM node AS cpu
# The node image's user `node` already has uid/gid 1000.
RUN mkdir -p /var/lib/genomeinfer && chown 1000:1000 /var/lib/genomeinfer
WORKDIR /app
ENV NODE_ENV=production
COPY package.json ./
COPY --from=deps-cpu /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY models ./models
# The genome-browser page's own files (igv.js itself comes with node_modules).
COPY web ./web
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--state-dir", "/var/lib/genomeinfer", "--device", "cpu"]
