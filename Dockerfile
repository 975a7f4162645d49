# ccsim in a container, for Kubernetes (deploy/k8s) or any container runtime.
#   docker build -t ccsim:0.1 .
#   docker run --rm -v "$PWD:/data" ccsim:0.1 run /opt/ccsim/scenarios/realistic_day.yaml -n 100
# Stage 1 builds the release binary from the locked dependencies; stage 2 is a slim Debian
# with only the binary and the bundled scenarios and scripts (about 90 MB).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
RUN cargo build --release --locked --bin ccsim

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data ccsim
COPY --from=build /src/target/release/ccsim /usr/local/bin/ccsim
COPY scenarios /opt/ccsim/scenarios
COPY scripts /opt/ccsim/scripts
USER ccsim
WORKDIR /data
ENTRYPOINT ["ccsim"]
CMD ["--help"]
