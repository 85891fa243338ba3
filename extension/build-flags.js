export const TEST_BUILD = false;
