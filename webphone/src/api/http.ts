/** An error the controller returned: `{"error": {"code", "message"}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What the controller added (`error.details`), e.g. the agent a `contact-busy` contact is talking to. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** JSON over fetch to the controller's `/api`, with the bearer token when there is one. */
export async function apiFetch<T>(
  path: string,
  options: { token?: string | null; method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'controller-unreachable', 'The PBX server cannot be reached. Check your network.');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | null)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `http-${response.status}`,
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return payload as T;
}
