"""What the tests and the benchmarks share: a real SMTP server, staff factories, a load harness."""
