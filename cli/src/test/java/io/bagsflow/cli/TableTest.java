package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void aMultiLineCellStaysOnItsRow() {
        String rendered = new Table("stage", "error")
                .row("PREPARE", "bad input: train.json\n  caused by: line 3\n")
                .row("TRAIN_BASE", "")
                .render();
        assertEquals(
                "stage       error\n"
                        + "----------  -----------------------------------------\n"
                        + "PREPARE     bad input: train.json / caused by: line 3\n"
                        + "TRAIN_BASE  \n",
                rendered);
    }
}
