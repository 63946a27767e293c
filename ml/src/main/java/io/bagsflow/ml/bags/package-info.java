/**
 * BAGS groups from training instance counts (bins, label2binlabel, pred_slice, group splits) written as
 * groups.json and .npz, plus the per-class sampling and loss weights of the baselines (repeat factors, class
 * weights) and the statistics table. Uses lvis, io and dataset (category counts) only.
 */
package io.bagsflow.ml.bags;
