/**
 * Storage for every activity: the content-addressed artifact store on S3 (ArtifactStore), plain S3 objects named
 * by URI, the code version that enters every stage key, outage windows for the database and S3, damage records
 * and the garbage collector. May use ml, db and the MinIO client; knows nothing of Temporal workflows (the
 * activity implementations live in the subpackages).
 */
package io.bagsflow.activities;
