// The HTTP answer parser on its own: heads, chunked bodies arriving in
// pieces, and what it refuses.
#include "storage/dynamodb/http_response.h"

#include <gtest/gtest.h>

namespace kvstore::storage::dynamodb {
namespace {

TEST(HttpResponseTest, HeadGivesStatusLengthAndConnection) {
  auto head = ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->content_length, 12u);
  EXPECT_FALSE(head->keep_alive);
  EXPECT_FALSE(head->chunked);
  auto old = ParseResponseHead("HTTP/1.0 503 Service Unavailable\r\ntransfer-encoding: Chunked");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->status, 503);
  EXPECT_FALSE(old->keep_alive) << "HTTP/1.0 closes unless it says keep-alive";
  EXPECT_TRUE(old->chunked);
}

TEST(HttpResponseTest, HeadRefusesWhatIsNotHttpOrAnUnusableLength) {
  for (const char* bad : {"", "SSH-2.0-OpenSSH", "HTTP/2 200", "HTTP/1.1 2x0 OK", "HTTP/1.1X200 OK",
                          "HTTP/1.1 200 OK\r\nContent-Length: -1", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999",
                          "HTTP/1.1 200 OK\r\nContent-Length: lots"}) {
    EXPECT_FALSE(ParseResponseHead(bad).has_value()) << bad;
  }
}

TEST(HttpResponseTest, ChunksArrivingInPiecesAreJoined) {
  std::string wire = "4\r\n{\"a\"\r\n3;name=value\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
  std::string unread, body;
  Decoded state = Decoded::kNeedMore;
  size_t fed = 0;
  while (state == Decoded::kNeedMore && fed < wire.size()) {  // a byte at a time: every split point
    unread += wire[fed++];
    state = DecodeChunks(&unread, &body);
  }
  EXPECT_EQ(state, Decoded::kDone);
  EXPECT_EQ(wire.substr(fed), "NEXT") << "done exactly at the end of the trailers";
  EXPECT_EQ(body, "{\"a\":1}");
  EXPECT_EQ(unread, "");
}

TEST(HttpResponseTest, LastChunkWithoutTrailersAndShortTrailers) {
  std::string unread = "0\r\n\r\nrest", body;
  EXPECT_EQ(DecodeChunks(&unread, &body), Decoded::kDone);
  EXPECT_EQ(unread, "rest");
  unread = "0\r\nab\r\n\r\nrest";
  EXPECT_EQ(DecodeChunks(&unread, &body), Decoded::kDone);
  EXPECT_EQ(unread, "rest");
}

TEST(HttpResponseTest, MalformedChunksAreRefused) {
  for (std::string bad : {"zz\r\n", "4\r\nabcdXY", "ffffffffffffffffff\r\n", "8000000\r\n"}) {
    std::string body;
    EXPECT_EQ(DecodeChunks(&bad, &body), Decoded::kMalformed) << bad;
  }
}

}  // namespace
}  // namespace kvstore::storage::dynamodb
