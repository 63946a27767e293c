package io.bagsflow.ml.bags;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinEdgesTest {

    @Test
    void defaultBinsFollowTheReference() {
        BinEdges bins = BinEdges.parse("0,10,100,1000");
        assertEquals(BinEdges.DEFAULT, bins);
        assertEquals(4, bins.numGroups());
        assertEquals(1, bins.groupOf(0));
        assertEquals(1, bins.groupOf(9));
        assertEquals(2, bins.groupOf(10));
        assertEquals(2, bins.groupOf(99));
        assertEquals(3, bins.groupOf(100));
        assertEquals(3, bins.groupOf(999));
        assertEquals(4, bins.groupOf(1000));
        assertEquals(4, bins.groupOf(1_000_000));
        assertEquals("[0,10)", bins.label(1));
        assertEquals("[1000,inf)", bins.label(4));
    }

    @Test
    void countsBelowTheFirstEdgeFallInTheFirstGroup() {
        BinEdges bins = BinEdges.parse(" 5, 50 ");
        assertArrayEquals(new int[] {5, 50}, bins.edges());
        assertEquals(1, bins.groupOf(0));
        assertEquals(2, bins.groupOf(50));
    }

    @Test
    void rejectsEdgesThatDoNotIncrease() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinEdges.parse("0,100,10"));
        assertTrue(e.getMessage().contains("must increase"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BinEdges.parse("0,ten"));
        assertTrue(e.getMessage().contains("\"ten\""), e.getMessage());
    }
}
