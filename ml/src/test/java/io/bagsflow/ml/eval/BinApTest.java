package io.bagsflow.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bagsflow.ml.bags.BinEdges;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinApTest {

    @Test
    void eachBinAveragesTheApOfItsClassesThatHaveOneAsLvisApiAveragesApr() {
        // classes with 3, 9, 10, 50, 99, 400 training instances; the class with 9 has no GT in the split (-1)
        int[] instances = {3, 9, 10, 50, 99, 400};
        double[] ap = {0.2, -1, 0.5, 0.25, 0.0, 0.9};
        List<BinAp> bins = BinAp.of(BinEdges.DEFAULT, instances, ap);
        assertEquals(
                List.of(
                        new BinAp("[0,10)", 2, 1, 0.2),
                        new BinAp("[10,100)", 3, 3, 0.25),
                        new BinAp("[100,1000)", 1, 1, 0.9),
                        new BinAp("[1000,inf)", 0, 0, -1)),
                bins);
    }

    @Test
    void otherBinsFromTheSpecGiveOtherGroups() {
        List<BinAp> bins = BinAp.of(new BinEdges(new int[] {0, 50}), new int[] {3, 49, 50}, new double[] {0.1, 0.3, 1});
        assertEquals(List.of(new BinAp("[0,50)", 2, 2, 0.2), new BinAp("[50,inf)", 1, 1, 1.0)), bins);
    }

    @Test
    void countsAndApsMustPair() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> BinAp.of(BinEdges.DEFAULT, new int[] {1}, new double[0]));
        assertEquals("1 instance counts for 0 per-class APs", e.getMessage());
    }
}
