package io.bagsflow.ml.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentTTest {

    @Test
    void quantilesMatchThePrintedTables() {
        assertEquals(12.706, StudentT.quantile(0.975, 1), 5e-4);
        assertEquals(4.303, StudentT.quantile(0.975, 2), 5e-4);
        assertEquals(3.182, StudentT.quantile(0.975, 3), 5e-4);
        assertEquals(2.228, StudentT.quantile(0.975, 10), 5e-4);
        assertEquals(2.042, StudentT.quantile(0.975, 30), 5e-4);
        assertEquals(63.657, StudentT.quantile(0.995, 1), 5e-3);
        assertEquals(1.812, StudentT.quantile(0.95, 10), 5e-4);
    }

    @Test
    void oneDegreeOfFreedomIsTheCauchyDistribution() {
        // t with df 1 is Cauchy: quantile tan(pi (p - 1/2)), exactly
        for (double p : new double[] {0.6, 0.9, 0.975, 0.999}) {
            assertEquals(Math.tan(Math.PI * (p - 0.5)), StudentT.quantile(p, 1), 1e-9 * Math.tan(Math.PI * (p - 0.5)));
        }
    }

    @Test
    void largeDegreesOfFreedomApproachTheNormal() {
        assertEquals(1.959964, StudentT.quantile(0.975, 1e7), 1e-5);
    }

    @Test
    void symmetricAroundZero() {
        assertEquals(-StudentT.quantile(0.975, 4), StudentT.quantile(0.025, 4), 1e-12);
        assertEquals(0.5, StudentT.cdf(0, 3), 1e-15);
        assertEquals(0.975, StudentT.cdf(2.776445105, 4), 1e-9);
    }

    @Test
    void refusesImpossibleArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
    }
}
