"""moto's DynamoDB (and STS) on loopback, one request at a time.

moto's stock server is threaded, and moto does not apply concurrent
conditional writes atomically: two UpdateItem calls with the same condition
can both succeed. Served one request at a time it is a faithful second
implementation of the API for kvstore's conformance suite.

Usage: python3 serve_moto.py PORT   (prints "ready" once it listens)
"""
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

server = make_server("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app),
                     threaded=False, processes=1)
print("ready", flush=True)
server.serve_forever()
