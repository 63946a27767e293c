package io.bagsflow.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CausesTest {

    /** An exception whose cause can be set to anything, itself included (Throwable's own refuses that). */
    private static final class Linked extends RuntimeException {
        private Throwable next;

        Linked(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return next;
        }
    }

    @Test
    void theChainRunsFromTheFailureToItsRootCause() {
        IOException root = new IOException("connection reset");
        UncheckedIOException middle = new UncheckedIOException(root);
        IllegalStateException top = new IllegalStateException("upload failed", middle);

        assertEquals(List.of(top, middle, root), Causes.chain(top));
        assertSame(root, Causes.root(top));
        assertSame(root, Causes.root(root));
        assertTrue(Causes.chain(null).isEmpty());
    }

    @Test
    void findReturnsTheFirstLinkOfTheTypeTheFailureItselfIncluded() {
        IOException inner = new IOException("inner");
        IOException outer = new IOException("outer", inner);
        RuntimeException top = new RuntimeException(outer);

        assertSame(outer, Causes.find(top, IOException.class).orElseThrow());
        assertSame(top, Causes.find(top, RuntimeException.class).orElseThrow());
        assertTrue(Causes.find(top, InterruptedException.class).isEmpty());
    }

    @Test
    void aThrowableThatIsItsOwnCauseEndsTheChainOnce() {
        Linked self = new Linked("self");
        self.next = self;

        assertEquals(List.of(self), Causes.chain(self));
        assertSame(self, Causes.find(self, Linked.class).orElseThrow());
        assertSame(self, Causes.root(self));
    }

    @Test
    void aLongerCycleEndsTooInsteadOfLoopingForever() {
        Linked a = new Linked("a");
        Linked b = new Linked("b");
        a.next = b;
        b.next = a;

        assertEquals(List.of(a, b), Causes.chain(a));
        assertTrue(Causes.find(a, IOException.class).isEmpty());
    }
}
