// Test fixture handler: the loader only checks that this file exists.
export default async function handler() {}
