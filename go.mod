module github.com/sunshine-records/sunshine

go 1.26

toolchain go1.27.3

require (
	github.com/rickar/cal/v2 v2.1.13
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/golang-migrate/migrate/v4 v4.20.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jmoiron/sqlx v1.4.0 // indirect
	github.com/lib/pq v1.12.3 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
