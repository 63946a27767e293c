package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.UserError;
import org.junit.jupiter.api.Test;

class QuickStartBlockTest {

    private static final String TABLE = "| metric | base (gen 0) |\n| --- | --- |\n| AP | 12.34 |\n";

    @Test
    void theBlockNamesTheSettingsThatFixTheNumbersAndHoldsTheTable() {
        String block = QuickStartBlock.block("tiny", 7, 2, "metrics on the held-out test split", TABLE);
        assertEquals(
                QuickStartBlock.BEGIN + "\nLVIS bbox AP in percent, deltas against the base model (`tiny` preset, seed"
                        + " 7, 2 PyTorch threads; metrics on the held-out test split):\n\n" + TABLE.strip() + "\n"
                        + QuickStartBlock.END,
                block);
        assertTrue(QuickStartBlock.block("small", 3, 1, "", TABLE)
                .contains("(`small` preset, seed 3, 1 PyTorch thread):"));
    }

    @Test
    void onlyTheTextBetweenTheMarkersIsReplaced() {
        String readme =
                "# title\n\nbefore\n" + QuickStartBlock.BEGIN + "\nold table\n" + QuickStartBlock.END + "\nafter\n";
        String block = QuickStartBlock.block("tiny", 7, 2, "", TABLE);
        String updated = QuickStartBlock.into(readme, block, "README.md");
        assertEquals("# title\n\nbefore\n" + block + "\nafter\n", updated);
        // running it again changes nothing: the README stays as the command left it
        assertEquals(updated, QuickStartBlock.into(updated, block, "README.md"));
    }

    @Test
    void aNewFileGetsTheBlockAndAFileWithoutMarkersIsRefusedByName() {
        String block = QuickStartBlock.block("tiny", 7, 2, "", TABLE);
        assertEquals(block + "\n", QuickStartBlock.into(null, block, "quickstart.md"));
        UserError e = assertThrows(
                UserError.class, () -> QuickStartBlock.into("# notes\n" + QuickStartBlock.END, block, "notes.md"));
        assertTrue(e.getMessage().startsWith("notes.md has no quick-start block"), e.getMessage());
    }
}
