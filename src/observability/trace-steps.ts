/**
 * The steps of one request (a database statement, a FeexPay call) as spans of its trace. Routes
 * hand their services the request's TraceSteps; services never see Sentry. Untraced requests get
 * NO_TRACE, which only runs the step.
 */
export interface TraceSteps {
  step<T>(op: string, name: string, fn: () => Promise<T>): Promise<T>;
}

export const NO_TRACE: TraceSteps = {
  step: (_op, _name, fn) => fn(),
};
