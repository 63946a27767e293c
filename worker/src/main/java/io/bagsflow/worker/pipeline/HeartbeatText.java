package io.bagsflow.worker.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An activity's heartbeat details as a person reads them ({@code step 120/800, loss 0.812, checkpoint 100}) instead
 * of a Java map's {@code toString}. Keys it does not know are kept as {@code key value}, so nothing is hidden.
 */
public final class HeartbeatText {

    private HeartbeatText() {}

    public static String of(Map<?, ?> details) {
        if (details == null || details.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        Object step = details.get("step");
        Object total = details.get("total");
        if (step != null) {
            boolean knownTotal = total instanceof Number n && n.longValue() > 0;
            parts.add("step " + step + (knownTotal ? "/" + total : ""));
        }
        for (var e : details.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (key.equals("step") || key.equals("total") || v == null) {
                continue;
            }
            String label = switch (key) {
                case "checkpoint_iteration" -> "checkpoint";
                case "eta_seconds" -> "ETA s";
                case "waiting_for_stage_key" -> "waiting for stage";
                default -> key.replace('_', ' ');
            };
            String value = v instanceof Double || v instanceof Float
                    ? String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue())
                    : String.valueOf(v);
            parts.add(key.equals("message") ? value : label + " " + value);
        }
        return String.join(", ", parts);
    }
}
