env "local" {
  src = "file://schema"
  url = "postgres://localhost/app"
  migration {
    dir = "file://migrations"
  }
}
