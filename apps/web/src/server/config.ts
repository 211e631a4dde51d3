import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The web process's configuration: read once at start, validated, passed down. */
export const WebConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(3000),
    /** Origins browsers may come from; empty = http://HOST:PORT and http://localhost:PORT. */
    allowedOrigins: z.array(z.string().url()).default([]),
    /** Signs visitor cookies and session tokens (at least 32 characters). */
    secret: z.string().min(32, 'the web secret must have at least 32 characters'),
    /** Agents present this token when they dial in. */
    agentToken: z.string().min(16),
    database: z
      .union([
        z.object({ url: z.string().min(1) }).strict(),
        z.object({ embedded: z.object({ dataDir: z.string(), port: z.number().int() }).strict() }).strict(),
      ])
      .optional(),
    /** Several gateways share sockets through Redis (optional). */
    redisUrl: z.string().optional(),
    /** Minutes a socket token is valid. */
    tokenMinutes: z.number().int().min(1).max(60).default(5),
    rateLimits: z
      .object({
        sessionsPerVisitorPerHour: z.number().int().min(1).default(20),
        sessionsPerAddressPerHour: z.number().int().min(1).default(60),
      })
      .strict()
      .default({ sessionsPerVisitorPerHour: 20, sessionsPerAddressPerHour: 60 }),
    /**
     * Reverse proxies in front of this process that append to X-Forwarded-For (nginx's
     * $proxy_add_x_forwarded_for). 0 (the default): the client is the TCP peer and the
     * header is ignored, since anyone can write it. N: the client is the Nth address
     * from the right of X-Forwarded-For. The address counts towards the per-address
     * rate limit, so a wrong N lets a visitor pick an address (too high) or makes every
     * visitor share the proxy's (too low).
     */
    trustProxyHops: z.number().int().min(0).max(16).default(0),
    /**
     * Previews of ports learners publish live on their own origins, one per session and
     * port: http://8080-<slug>.<host of baseUrl>:<its port>. Pick a host that is not the
     * site's own nor a parent of it (a separate site is best, e.g. preview.example-usercontent.net).
     * Default: http://preview.localhost:<the web port> (browsers resolve *.localhost to loopback).
     */
    preview: z
      .object({ baseUrl: z.string().url().optional() })
      .strict()
      .default({}),
    dev: z.boolean().default(false),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict();
export type WebConfig = z.infer<typeof WebConfig>;

/** BERTH_WEB_CONFIG (a JSON file) with PORT, HOST, BERTH_SECRET, BERTH_AGENT_TOKEN, DATABASE_URL, BERTH_TRUST_PROXY_HOPS, ... on top. */
export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const file = env.BERTH_WEB_CONFIG;
  const fromFile: Record<string, unknown> = file ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const fromEnv: Record<string, unknown> = {};
  if (env.PORT) fromEnv.port = Number(env.PORT);
  if (env.HOST) fromEnv.host = env.HOST;
  if (env.BERTH_SECRET) fromEnv.secret = env.BERTH_SECRET;
  if (env.BERTH_AGENT_TOKEN) fromEnv.agentToken = env.BERTH_AGENT_TOKEN;
  if (env.DATABASE_URL) fromEnv.database = { url: env.DATABASE_URL };
  if (env.REDIS_URL) fromEnv.redisUrl = env.REDIS_URL;
  if (env.BERTH_ALLOWED_ORIGINS) fromEnv.allowedOrigins = env.BERTH_ALLOWED_ORIGINS.split(',').filter(Boolean);
  if (env.BERTH_TRUST_PROXY_HOPS) fromEnv.trustProxyHops = Number(env.BERTH_TRUST_PROXY_HOPS);
  if (env.BERTH_PREVIEW_BASE_URL) fromEnv.preview = { baseUrl: env.BERTH_PREVIEW_BASE_URL };
  const parsed = WebConfig.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid web config${file ? ` (${file})` : ''}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The preview base URL: the configured one, or http://preview.localhost:<the bound port>. */
export function previewBaseUrl(config: WebConfig, boundPort: number): string {
  return config.preview.baseUrl ?? `http://preview.localhost:${boundPort}`;
}

export function allowedOrigins(config: WebConfig, boundPort: number): Set<string> {
  if (config.allowedOrigins.length > 0) return new Set(config.allowedOrigins.map((o) => new URL(o).origin));
  return new Set([`http://${config.host}:${boundPort}`, `http://localhost:${boundPort}`, `http://127.0.0.1:${boundPort}`]);
}
