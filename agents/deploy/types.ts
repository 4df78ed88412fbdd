// Payloads of the deployment saga (manifests/deploy-saga.yaml). The Saga wraps every command in
// `{ saga, step, input, previous }` where `input` is the deploy.requested data.

/** `deploy.requested` data (the saga's trigger). */
export interface DeployRequest {
  service: string;
  version: string;
  /** Replicas to start. Default 2. */
  replicas?: number;
  /** Failure injection: the step that fails (`deploy`, `routing` or `verify`). */
  fail?: 'deploy' | 'routing' | 'verify';
}

/** A saga command or compensation as the step agents receive it. */
export interface SagaCommand {
  saga: string;
  step: string;
  input: DeployRequest;
  previous?: unknown;
}
