// Golden cases that fail because the op, layer, optimizer or scheduler they use is not
// built yet. Empty: every case of test/golden passes (issues 14 and 15 built the ops of
// indexing.json, layers.json and train2.json). The runner checks this list strictly (a
// listed case that passes is an error, an unknown id too): when new golden files arrive,
// the cases of ops not built yet go here, and the issue that builds them empties it again.
export const EXPECTED_FAILURES: Record<string, string[]> = {};
