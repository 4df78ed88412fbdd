// Public API of @troupe/test-support. Everything exported here is public API.
export {};
