// Public API of @troupe/cli. Everything exported here is public API.
export {};
