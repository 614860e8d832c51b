"""End-to-end tests of the DynamoDB endpoint with a real client (boto3) against real region
processes on loopback, started by `gtsim serve`. Every wait is bounded; every process is stopped.

Usage: dynamodb_endpoint_test.py GTSIM_BINARY [unittest arguments]
Exit status 77 (skipped) when boto3 is not installed.
"""
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    import boto3
    import botocore.config
    from botocore.exceptions import ClientError
except ImportError:
    print("boto3 is not installed; skipping")
    sys.exit(77)

GTSIM = None
REGIONS = ["us-east-1", "eu-west-1"]
SCENARIO = """name: endpoint tests
regions: [us-east-1, eu-west-1]
network: {default: {latency: 20ms}}
tables: []
steps: []
"""


def free_port_range(count):
    """A port P such that P - 1 .. P + count - 1 were free a moment ago."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base < 2 or base + count > 65535:
            continue
        sockets = []
        try:
            for port in range(base - 1, base + count):
                sockets.append(socket.socket())
                sockets[-1].bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free range of ports")


def wait_until(done, timeout=10.0, step=0.05):
    """Polls done() until it returns a true value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = done()
        if value:
            return value
        time.sleep(step)
    return done()


def processes_mentioning(text):
    """Pids of live processes whose command line contains text."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


class Serve:
    """`gtsim serve` of two regions replicating with 20 ms latency, on free ports."""

    def __init__(self, credentials=None):
        self.dir = tempfile.mkdtemp(prefix="gtsim-api-")
        self.run_dir = os.path.join(self.dir, "run")
        scenario = os.path.join(self.dir, "scenario.yaml")
        with open(scenario, "w") as f:
            f.write(SCENARIO)
        extra = []
        if credentials:
            path = os.path.join(self.dir, "credentials")
            with open(path, "w") as f:
                f.write(f"{credentials[0]} {credentials[1]}\n")
            extra = ["--credentials", path]
        # Another program may take a port between the check and the bind: try a few ranges.
        for _ in range(3):
            self.base = free_port_range(len(REGIONS))
            self.process = subprocess.Popen(
                [GTSIM, "serve", scenario, "--port", str(self.base), "--out", self.run_dir,
                 "--quiet"] + extra, stdout=subprocess.PIPE, text=True)
            self.lines = queue.Queue()
            threading.Thread(target=self._read_stdout, daemon=True).start()
            self.http = self._endpoints(timeout=30)
            if self.http:
                return
            self.process.kill()
            self.process.wait(timeout=10)
            shutil.rmtree(self.run_dir, ignore_errors=True)
        self.close()
        raise RuntimeError("gtsim serve did not start")

    def _read_stdout(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _endpoints(self, timeout):
        """Region -> port, from the lines gtsim serve prints once every region serves."""
        endpoints = {}
        deadline = time.monotonic() + timeout
        while len(endpoints) < len(REGIONS):
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                return None
            region, url = line.split()
            endpoints[region] = int(url.rsplit(":", 1)[1])
        return endpoints

    def client(self, region, service="dynamodb", key="test", secret="test"):
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.http[region]}",
                            region_name=region, aws_access_key_id=key,
                            aws_secret_access_key=secret,
                            config=botocore.config.Config(retries={"max_attempts": 1}))

    def fault(self, *words):
        """Runs `gtsim fault`; its CompletedProcess."""
        return subprocess.run([GTSIM, "fault", "--port", str(self.base)] + list(words),
                              capture_output=True, text=True, timeout=60)

    def stop(self):
        """Ctrl-C: gtsim serve's exit status and what it printed after the endpoints."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=60)
        output = []
        while True:
            line = self.lines.get(timeout=10)
            if line is None:
                return status, "".join(output)
            output.append(line)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def create_global_table(cluster, name):
    east, west = cluster.client("us-east-1"), cluster.client("eu-west-1")
    east.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                      AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                      KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    east.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])

    def replica_active():
        try:
            return west.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
        except ClientError:
            return False

    assert wait_until(replica_active), "the replica in eu-west-1 never appeared"
    return east, west


class GlobalTableTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Serve()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def test_write_in_one_region_read_in_another(self):
        east, west = create_global_table(self.cluster, "users")
        table = west.describe_table(TableName="users")["Table"]
        self.assertEqual(table["GlobalTableVersion"], "2019.11.21")
        self.assertEqual(table["Replicas"], [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}])
        self.assertEqual(table["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES")
        east.put_item(TableName="users", Item={"id": {"S": "42"}, "name": {"S": "alice"}})
        item = wait_until(lambda: west.get_item(TableName="users", Key={"id": {"S": "42"}},
                                                ConsistentRead=True).get("Item"))
        self.assertEqual(item, {"id": {"S": "42"}, "name": {"S": "alice"}})

    def test_stream_shows_modify_with_both_images(self):
        east, west = create_global_table(self.cluster, "streamed")
        east.put_item(TableName="streamed", Item={"id": {"S": "1"}, "v": {"N": "1"}})
        east.update_item(TableName="streamed", Key={"id": {"S": "1"}},
                         UpdateExpression="SET v = :two", ExpressionAttributeValues={":two": {"N": "2"}})
        streams = self.cluster.client("eu-west-1", "dynamodbstreams")
        arn = west.describe_table(TableName="streamed")["Table"]["LatestStreamArn"]
        self.assertIn(arn, [s["StreamArn"] for s in streams.list_streams()["Streams"]])
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

        def modify_record():
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator)["Records"]
            return next((r for r in records if r["eventName"] == "MODIFY"), None)

        record = wait_until(modify_record)
        self.assertIsNotNone(record, "no MODIFY record replicated to eu-west-1")
        self.assertEqual(record["eventSource"], "aws:dynamodb")
        self.assertEqual(record["awsRegion"], "eu-west-1")
        self.assertEqual(record["dynamodb"]["OldImage"]["v"], {"N": "1"})
        self.assertEqual(record["dynamodb"]["NewImage"]["v"], {"N": "2"})
        self.assertEqual(record["dynamodb"]["Keys"], {"id": {"S": "1"}})

    def test_conditional_writes_race_and_lww_decides(self):
        east, west = create_global_table(self.cluster, "race")
        condition = {"ConditionExpression": "attribute_not_exists(id)"}
        # Both conditions see only their own region's copy, so both writes succeed.
        east.put_item(TableName="race", Item={"id": {"S": "k"}, "by": {"S": "east"}}, **condition)
        west.put_item(TableName="race", Item={"id": {"S": "k"}, "by": {"S": "west"}}, **condition)

        def converged():
            a = east.get_item(TableName="race", Key={"id": {"S": "k"}})["Item"]["by"]["S"]
            b = west.get_item(TableName="race", Key={"id": {"S": "k"}})["Item"]["by"]["S"]
            return a if a == b else None

        winner = wait_until(converged)
        self.assertIn(winner, ["east", "west"], "the regions never agreed on a winner")

    def test_bad_requests_answer_dynamodb_errors(self):
        east = self.cluster.client("us-east-1")
        with self.assertRaises(ClientError) as missing:
            east.get_item(TableName="nope", Key={"id": {"S": "1"}})
        self.assertEqual(missing.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(missing.exception.response["Error"]["Message"],
                         "Requested resource not found: Table: nope not found")
        east.create_table(TableName="errors", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        with self.assertRaises(ClientError) as bad:
            east.update_item(TableName="errors", Key={"id": {"S": "1"}}, UpdateExpression="SET = 1")
        self.assertEqual(bad.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Invalid UpdateExpression", bad.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as large:
            east.put_item(TableName="errors", Item={"id": {"S": "1"}, "blob": {"S": "x" * 410000}})
        self.assertEqual(large.exception.response["Error"]["Message"],
                         "Item size has exceeded the maximum allowed size")
        with self.assertRaises(ClientError) as exists:
            east.create_table(TableName="errors", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(exists.exception.response["Error"]["Code"], "ResourceInUseException")

    def raw_post(self, target, body):
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", self.cluster.http["us-east-1"], timeout=5)
        connection.request("POST", "/", body, {"X-Amz-Target": target,
                                               "Content-Type": "application/x-amz-json-1.0"})
        response = connection.getresponse()
        payload = response.read()
        crc = response.getheader("x-amz-crc32")
        connection.close()
        import binascii
        self.assertEqual(int(crc), binascii.crc32(payload))
        return response.status, json.loads(payload)

    def test_malformed_json_and_unknown_operation(self):
        status, body = self.raw_post("DynamoDB_20120810.PutItem", "{not json")
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazon.coral.service#SerializationException")
        status, body = self.raw_post("DynamoDB_20120810.Frobnicate", "{}")
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazon.coral.service#UnknownOperationException")

    def test_batches_and_transactions(self):
        # Global, since a region replicates every table it writes to every peer.
        east, _ = create_global_table(self.cluster, "batch")
        writes = [{"PutRequest": {"Item": {"id": {"S": str(i)}}}} for i in range(26)]
        with self.assertRaises(ClientError) as too_many:
            east.batch_write_item(RequestItems={"batch": writes})
        self.assertEqual(too_many.exception.response["Error"]["Code"], "ValidationException")
        east.batch_write_item(RequestItems={"batch": writes[:25]})
        got = east.batch_get_item(RequestItems={"batch": {"Keys": [{"id": {"S": "3"}}]}})
        self.assertEqual(got["Responses"]["batch"], [{"id": {"S": "3"}}])
        self.assertEqual(east.scan(TableName="batch", Select="COUNT")["Count"], 25)
        page = east.scan(TableName="batch", Limit=10)
        self.assertEqual(len(page["Items"]), 10)
        self.assertIn("LastEvaluatedKey", page)
        with self.assertRaises(ClientError) as cancelled:
            east.transact_write_items(TransactItems=[
                {"Put": {"TableName": "batch", "Item": {"id": {"S": "new"}}}},
                {"ConditionCheck": {"TableName": "batch", "Key": {"id": {"S": "3"}},
                                    "ConditionExpression": "attribute_not_exists(id)"}}])
        error = cancelled.exception.response
        self.assertEqual(error["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual([r["Code"] for r in error["CancellationReasons"]],
                         ["None", "ConditionalCheckFailed"])
        got = east.transact_get_items(TransactItems=[
            {"Get": {"TableName": "batch", "Key": {"id": {"S": "new"}}}},
            {"Get": {"TableName": "batch", "Key": {"id": {"S": "3"}}}}])
        self.assertEqual(got["Responses"], [{}, {"Item": {"id": {"S": "3"}}}])


class ServeTest(unittest.TestCase):
    """gtsim serve from start to Ctrl-C: a global table, a partition through gtsim fault, a heal,
    and the report it leaves."""

    def setUp(self):
        self.serve = Serve()
        self.addCleanup(self.serve.close)

    def test_faults_while_serving_and_the_report_at_ctrl_c(self):
        serve = self.serve
        east, west = create_global_table(serve, "orders")
        get = lambda key: west.get_item(TableName="orders", Key={"id": {"S": key}},
                                        ConsistentRead=True).get("Item")
        east.put_item(TableName="orders", Item={"id": {"S": "1"}, "state": {"S": "paid"}})
        self.assertTrue(wait_until(lambda: get("1")), "the write never reached eu-west-1")

        cut = serve.fault("partition", "us-east-1", "eu-west-1")
        self.assertEqual(cut.returncode, 0, cut.stderr)
        east.put_item(TableName="orders", Item={"id": {"S": "2"}, "state": {"S": "new"}})
        time.sleep(0.5)  # 25 times the link's latency
        self.assertIsNone(get("2"), "a write crossed the partition")

        refused = serve.fault("crash", "mars-north-1")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("mars-north-1", refused.stderr)
        healed = serve.fault("heal")
        self.assertEqual(healed.returncode, 0, healed.stderr)
        self.assertTrue(wait_until(lambda: get("2")), "the write never arrived after the heal")

        status, summary = serve.stop()
        self.assertEqual(status, 0, summary)
        self.assertIn("run directory:", summary)
        self.assertEqual(processes_mentioning(serve.run_dir), [], "a region process survived")
        with open(os.path.join(serve.run_dir, "report.json")) as f:
            report = json.load(f)
        with open(os.path.join(serve.run_dir, "report.html")) as f:
            self.assertIn("cut off from", f.read(), "the partition is not shaded")
        self.assertTrue(report["convergence"]["converged"])
        link = next(l for l in report["lag"]["links"]
                    if (l["from"], l["to"]) == ("us-east-1", "eu-west-1"))
        self.assertEqual(link["count"], 2, "both writes made through the endpoint have a lag")
        with open(os.path.join(serve.run_dir, "history.jsonl")) as f:
            faults = [e["fault"] for e in map(json.loads, f) if e["event"] == "fault"]
        self.assertEqual(faults, ["partition", "heal"])


class SigV4Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Serve(credentials=("AKIDGTSIM", "s3cr3t"))

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def test_good_signature_is_accepted(self):
        client = self.cluster.client("us-east-1", key="AKIDGTSIM", secret="s3cr3t")
        self.assertEqual(client.list_tables()["TableNames"], [])

    def test_bad_secret_is_refused(self):
        client = self.cluster.client("us-east-1", key="AKIDGTSIM", secret="wrong")
        with self.assertRaises(ClientError) as refused:
            client.list_tables()
        self.assertEqual(refused.exception.response["Error"]["Code"], "InvalidSignatureException")

    def test_unknown_key_is_refused(self):
        client = self.cluster.client("us-east-1", key="AKIDOTHER", secret="s3cr3t")
        with self.assertRaises(ClientError) as refused:
            client.list_tables()
        self.assertEqual(refused.exception.response["Error"]["Code"], "UnrecognizedClientException")


if __name__ == "__main__":
    GTSIM = sys.argv.pop(1)
    unittest.main()
