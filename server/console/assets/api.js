// The console's calls to the control plane (README "Control plane"). The admin token, when the
// server wants one, lives in this tab's session storage only and goes out as a Bearer header;
// never in a URL.

const TOKEN_KEY = "localorgs.adminToken";

export class AuthRequired extends Error {
  constructor(message, hadToken) {
    super(message || "The admin token is needed.");
    this.hadToken = hadToken;
  }
}

export class ApiError extends Error {
  constructor(status, error, message) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// Percent-encoded (a space is %20: the server reads "+" as a plus, as in an email address).
export function withQuery(path, params) {
  const q = Object.entries(params || {})
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return q ? `${path}?${q}` : path;
}

export async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  const secret = token.get();
  if (secret) headers.Authorization = "Bearer " + secret;
  const init = { method, headers, cache: "no-store", credentials: "omit", redirect: "error" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "Unreachable", "The localorgs server cannot be reached: is it still running?");
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (res.status === 401) throw new AuthRequired(data && data.Message, Boolean(secret));
  if (!res.ok) {
    throw new ApiError(res.status, (data && data.Error) || `HTTP ${res.status}`, (data && data.Message) || res.statusText);
  }
  return data;
}

export const get = (path, params) => call("GET", withQuery(path, params));
