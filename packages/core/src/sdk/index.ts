// Agent SDK: defineAgent, createTestContext (filled by the SDK work).
