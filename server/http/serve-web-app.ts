import { join } from "node:path";
import express, { type Router } from "express";

/**
 * The page may load only its own scripts and styles and talk only to its own origin: a second wall behind the
 * Markdown sanitiser, so model output that slipped through could still not run script or send data elsewhere.
 * `style-src 'unsafe-inline'` is for the style attributes Svelte sets (e.g. the composer's height).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serves the built UI (`dist/web`) from the API's origin: `index.html` at `/`, never cached so a new build is
 * picked up at once, and Vite's content-hashed files under `/assets` cached for a year. Behind `setSecurityHeaders`
 * (`nosniff`, `X-Frame-Options`, `Referrer-Policy`, `Cross-Origin-Opener-Policy` on every response).
 */
export function serveWebApp(root: string): Router {
  const router = express.Router();
  const sendIndex: express.RequestHandler = (_req, res) => {
    // In place of the API's `default-src 'none'`; the other security headers come from `setSecurityHeaders`.
    res.set({ "Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY });
    res.sendFile(join(root, "index.html"));
  };
  router.get(["/", "/index.html"], sendIndex);
  router.use(
    "/assets",
    express.static(join(root, "assets"), {
      immutable: true,
      maxAge: "365d",
      fallthrough: true,
    }),
  );
  return router;
}
