"""What the tests share: services, fakes, clients, fixtures; no test module imports another."""
