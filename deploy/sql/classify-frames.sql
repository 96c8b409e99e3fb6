-- Classify the frames of a Kafka topic with Ocellus inside Flink SQL (README: Flink SQL).
-- ${BOOTSTRAP}, ${MODELS} and ${JOB} are placeholders: replace them (sed) before running the file.

CREATE TABLE frames (
  camera STRING,
  image BYTES,
  headers MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = 'frames',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.group.id' = '${JOB}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'raw',
  'key.fields' = 'camera',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TABLE labels (
  camera STRING,
  frame_id STRING,
  label STRING,
  score FLOAT,
  error STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'labels',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.transaction.timeout.ms' = '600000',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${JOB}'
);

CREATE TEMPORARY MODEL mobilenet
  INPUT (image BYTES)
  OUTPUT (label STRING, score FLOAT, top ARRAY<ROW<idx INT, label STRING, score FLOAT>>, error STRING)
  WITH (
    'provider' = 'ocellus',
    'task' = 'classify',
    'ocellus.model.path' = '${MODELS}',
    'ocellus.model.alpha' = '0.25',
    'ocellus.model.resolution' = '128',
    'ocellus.batching.size' = '8'
  );

INSERT INTO labels
SELECT camera, DECODE(headers['frame-id'], 'UTF-8'), label, score, error
FROM ML_PREDICT(TABLE frames, MODEL mobilenet, DESCRIPTOR(image));
