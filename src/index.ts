// Public API of the cdk8s-otel library: constructs, their props and the pure functions behind them.
export {};
