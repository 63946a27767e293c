package io.bagsflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatsTest {

    @Test
    void durationsShowHoursOnlyFromAnHourOn() {
        assertEquals("0:00", Formats.duration(Duration.ZERO));
        assertEquals("1:05", Formats.duration(Duration.ofSeconds(65)));
        assertEquals("59:59", Formats.duration(Duration.ofSeconds(3599)));
        assertEquals("1:00:07", Formats.duration(Duration.ofSeconds(3607)));
        assertEquals("0:00", Formats.duration(Duration.ofSeconds(-3)));
    }

    @Test
    void sizesUseBinaryUnits() {
        assertEquals("1023 B", Formats.bytes(1023));
        assertEquals("1.5 KiB", Formats.bytes(1536));
        assertEquals("20.0 MiB", Formats.bytes(20L * 1024 * 1024));
        assertEquals("1.25 GiB", Formats.bytes(5L * 1024 * 1024 * 1024 / 4));
    }

    @Test
    void htmlEscapesBothQuotesAndTheThreeMarkupCharacters() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;", Formats.html("<a href=\"x\" title='y'>&"));
        assertEquals("", Formats.html(null));
        assertEquals("42", Formats.html(42));
    }

    @Test
    void percentagesHaveTwoDecimalsAndUndefinedMetricsADash() {
        assertEquals("41.16", Formats.percent(0.41163));
        assertEquals("0.00", Formats.percent(0));
        assertEquals("100.00", Formats.percent(1));
        assertEquals("-", Formats.percent(-1));
        assertEquals("-", Formats.percent(Double.NaN));
    }

    @Test
    void percentDeltasAreSignedPercentPointsAndADashWhereEitherSideIsUndefined() {
        assertEquals("+1.25", Formats.percentDelta(0.2125, 0.2));
        assertEquals("-0.40", Formats.percentDelta(0.196, 0.2));
        assertEquals("+0.00", Formats.percentDelta(0.2, 0.2));
        assertEquals("-", Formats.percentDelta(-1, 0.2));
        assertEquals("-", Formats.percentDelta(0.2, Double.NaN));
    }
}
