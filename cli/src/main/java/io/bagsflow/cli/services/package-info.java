/**
 * The verbs that run or look after the services: {@code up} (embedded PostgreSQL, S3 and Temporal, a worker and the
 * web UI), {@code worker} (with the {@code --queues} mixin both share), {@code ui} and its backend, {@code doctor}
 * and {@code gc}. May use the {@code io.bagsflow.cli} plumbing, every module below {@code cli}, and
 * {@code experiment}'s history for the UI's experiment pages.
 */
package io.bagsflow.cli.services;
