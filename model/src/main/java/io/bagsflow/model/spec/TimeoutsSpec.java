package io.bagsflow.model.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Activity timeouts and retries. A worker that stops heartbeating for {@code heartbeat_seconds} is considered lost
 * and its stage is retried elsewhere (from the last checkpoint); {@code max_attempts} (default 10: a lost worker, a database
 * or S3 outage are each one attempt, and several in a row must not cost the run) bounds retries of transient
 * failures before the run waits for a manual retry.
 */
public record TimeoutsSpec(
        @JsonProperty("heartbeat_seconds") Integer heartbeatSeconds,
        @JsonProperty("stage_hours") Integer stageHours,
        @JsonProperty("max_attempts") Integer maxAttempts) {

    public TimeoutsSpec withDefaults() {
        return new TimeoutsSpec(
                heartbeatSeconds == null ? 60 : heartbeatSeconds,
                stageHours == null ? 24 : stageHours,
                maxAttempts == null ? 10 : maxAttempts);
    }
}
