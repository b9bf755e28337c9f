# Sunshine in a container: `docker compose up` runs it with PostgreSQL and Mailpit.
# Build alone with `docker build -t sunshine .`.

# --- build ---
FROM golang:1.26-bookworm AS build
# go.mod names a patched toolchain (go1.27.3); GOTOOLCHAIN=auto lets the go
# command fetch it through the module proxy (cached in the go mod download layer).
ENV GOTOOLCHAIN=auto CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/sunshine ./cmd/sunshine

# --- run ---
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sunshine /sunshine
USER nonroot
# The user's own home: without SUNSHINE_SMTP_URL, mail is written under
# .data/outbox here (SUNSHINE_OUTBOX_DIR), which "/" would refuse.
WORKDIR /home/nonroot
EXPOSE 8080
ENTRYPOINT ["/sunshine"]
CMD ["serve"]
