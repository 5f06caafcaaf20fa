# Sourced by scripts/conch and scripts/bench: prints the JVM options of scripts/jvm-options, one a
# line, without its comments and blank lines.
jvm_options() {
  grep -v -e '^#' -e '^[[:space:]]*$' "$1/scripts/jvm-options"
}
