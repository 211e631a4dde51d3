-- Hand-written: Prisma 6 schemas cannot express partial indexes or CHECK
-- constraints, so `prisma migrate diff` neither creates nor drops these.

-- A session is live until it reaches a final state; exactly then ended_at is set.
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_ended_at_iff_final"
    CHECK (("ended_at" IS NOT NULL) = ("state" IN ('stopped', 'failed')));

-- At most one live session per visitor and lesson (POST /api/sessions starts or
-- finds it); also serves findLiveSession.
CREATE UNIQUE INDEX "sessions_live_visitor_lesson_key" ON "sessions"("visitor_id", "lesson_id") WHERE "ended_at" IS NULL;

-- An agent's live sessions (listLiveSessionsOfAgent, markAgentInterrupted).
CREATE INDEX "sessions_live_agent_idx" ON "sessions"("agent_id") WHERE "ended_at" IS NULL;

-- Live sessions whose lifetime ran out (listExpiredLiveSessions).
CREATE INDEX "sessions_live_expires_at_idx" ON "sessions"("expires_at") WHERE "ended_at" IS NULL;
