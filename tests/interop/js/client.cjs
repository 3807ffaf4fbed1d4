// AWS SDK for JavaScript v3 against pytest-s3mpu (run by tests/interop/test_interop_js.py with NODE_PATH
// set to .interop/js/node_modules). Usage: node client.cjs SCENARIO ENDPOINT BUCKET KEY [IN] [OUT] [CODE]
// Prints one JSON document: what the SDK answered, or the error as the SDK raised it.
// S3MPU_JS_MAX_ATTEMPTS (default 1: no retries) lets a test watch the SDK's own standard retry.
"use strict";
const fs = require("fs");
const {
  S3Client, CreateMultipartUploadCommand, UploadPartCommand, ListPartsCommand,
  ListMultipartUploadsCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand, GetObjectCommand,
} = require("@aws-sdk/client-s3");
const { Upload } = require("@aws-sdk/lib-storage");

const [scenario, endpoint, Bucket, Key, input, output, code] = process.argv.slice(2);
const client = () => new S3Client({
  endpoint, region: "us-east-1", forcePathStyle: true,
  maxAttempts: Number(process.env.S3MPU_JS_MAX_ATTEMPTS || 1),
  credentials: { accessKeyId: "interop", secretAccessKey: "interop" },
});
const s3 = client();

function describe(error) {
  const fields = {};
  for (const name of ["UploadId", "PartNumber", "ETag", "ProposedSize", "MinSizeAllowed"]) {
    if (error[name] !== undefined) fields[name] = error[name];
  }
  return {
    error: {
      name: error.name, message: error.message, status: error.$metadata && error.$metadata.httpStatusCode,
      isS3ServiceException: error.$fault !== undefined, fault: error.$fault, fields,
    },
  };
}

async function read(key) {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
  fs.writeFileSync(output, Buffer.from(await got.Body.transformToByteArray()));
  return got.ETag;
}

// The seed .NET example's sequence (or any list of parts): Create, UploadPart each, ListParts, Complete.
async function lowLevel(parts) {
  const journal = [];
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const etags = [];
  for (let n = 1; n <= parts.length; n++) {
    const reply = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: parts[n - 1] }));
    etags.push(reply.ETag);
  }
  const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
  const done = await s3.send(new CompleteMultipartUploadCommand({
    Bucket, Key, UploadId,
    MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
  }));
  return {
    etags, completeETag: done.ETag, getETag: await read(Key),
    listed: listed.Parts.map((p) => [p.PartNumber, p.Size, p.ETag]),
    uploads: uploads.Uploads.map((u) => [u.Key, u.UploadId]), uploadId: UploadId, journal,
  };
}

function split(data, sizes) {
  const parts = [];
  let offset = 0;
  for (const size of sizes) { parts.push(data.subarray(offset, offset + size)); offset += size; }
  return parts;
}

async function seedError() {
  const first = Buffer.alloc(code === "EntityTooSmall" ? 1000 : 2048, 7);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const e1 = (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: first }))).ETag;
  const e2 = (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: Buffer.from("tail") }))).ETag;
  let parts = [[1, e1], [2, e2]];
  if (code === "InvalidPart") parts = [[1, '"0123456789abcdef0123456789abcdef"'], [2, e2]];
  if (code === "InvalidPartOrder") parts = [[2, e2], [1, e1]];
  if (code === "NoSuchUpload") await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
  try {
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket, Key, UploadId, MultipartUpload: { Parts: parts.map(([PartNumber, ETag]) => ({ PartNumber, ETag })) },
    }));
    return { completed: true };
  } catch (error) {
    return { uploadId: UploadId, ...describe(error) };
  }
}

async function managed(abortAfterFirstPart) {
  const body = fs.readFileSync(input);
  const upload = new Upload({ client: s3, params: { Bucket, Key, Body: body }, partSize: 5 * 1024 * 1024, queueSize: 1 });
  const aborter = client();
  let aborted = null;
  if (abortAfterFirstPart) {
    upload.on("httpUploadProgress", async (progress) => {
      if (aborted === null && progress.part === 1 && upload.uploadId) {
        aborted = upload.uploadId;
        await aborter.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: aborted }));
      }
    });
  }
  try {
    const done = await upload.done();
    return { etag: done.ETag, getETag: await read(Key) };
  } catch (error) {
    return { aborted, ...describe(error) };
  }
}

// A presigned UploadPart as @aws-sdk/s3-request-presigner makes it (not installed here): its signer
// (@smithy/signature-v4) given what the presigner's prepareRequest gives it (X-Amz-Content-Sha256:
// UNSIGNED-PAYLOAD, content-type unsignable) and the query the SDK serialises, with the default checksum of an empty body (x-amz-checksum-crc32=AAAAAA==)
// hoisted into it; then a browser-style fetch PUT of the real part, once as signed and once with the checksum
// value changed. Create and Complete go through the SDK.
class NodeSha256 {
  constructor(secret) { this.hash = secret ? require("crypto").createHmac("sha256", secret) : require("crypto").createHash("sha256"); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

async function presignedPart() {
  const { SignatureV4 } = require("@smithy/signature-v4");
  const url = new URL(endpoint);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const signer = new SignatureV4({
    credentials: { accessKeyId: "interop", secretAccessKey: "interop" }, region: "us-east-1", service: "s3",
    sha256: NodeSha256, uriEscapePath: false,
  });
  const signed = await signer.presign({
    method: "PUT", protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: `/${Bucket}/${Key}`,
    query: {
      partNumber: "1", uploadId: UploadId, "x-amz-checksum-crc32": "AAAAAA==",
      "x-amz-sdk-checksum-algorithm": "CRC32", "x-id": "UploadPart",
    },
    headers: { host: url.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },  // the presigner's prepareRequest
  }, { expiresIn: 900, unsignableHeaders: new Set(["content-type"]), unhoistableHeaders: new Set() });
  const query = Object.entries(signed.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  const target = `${endpoint}/${Bucket}/${Key}?${query}`;
  const body = fs.readFileSync(input);
  const tampered = await fetch(target.replace("AAAAAA%3D%3D", "BBBBBB%3D%3D"), { method: "PUT", body });
  const put = await fetch(target, { method: "PUT", body });
  const ETag = put.headers.get("etag");
  const done = await s3.send(new CompleteMultipartUploadCommand({
    Bucket, Key, UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] },
  }));
  return { url: target, tamperedStatus: tampered.status, status: put.status, etag: ETag, completeETag: done.ETag, getETag: await read(Key) };
}

async function main() {
  let result;
  if (scenario === "low-level") {
    const data = fs.readFileSync(input);
    result = await lowLevel(split(data, JSON.parse(code)));
  } else if (scenario === "seed-error") result = await seedError();
  else if (scenario === "upload") result = await managed(false);
  else if (scenario === "upload-abort") result = await managed(true);
  else if (scenario === "presigned-part") result = await presignedPart();
  else throw new Error(`unknown scenario ${scenario}`);
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => { process.stdout.write(JSON.stringify({ unexpected: String(error.stack || error) })); process.exit(1); });
