/**
 * Ink renders nothing but the last frame when it believes it runs in CI
 * (`CI` set), and it decides when its module loads. Component tests read
 * every frame, so this module must be imported before anything that
 * imports Ink.
 */
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;

export {};
