#include "custos/device/seat_user.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/fake_sysfs.hpp"

namespace custos::device {
namespace {

constexpr const char* kDesktop =
    "# This is private data. Do not parse.\nUID=1000\nUSER=alice\nACTIVE=1\nIS_DISPLAY=1\nSTATE=active\n"
    "REMOTE=0\nTYPE=x11\nCLASS=user\nSEAT=seat0\nVTNR=2\n";

TEST(SeatUser, ALocalActiveUserSessionOnASeatIsTheUser) {
  const auto user = seat_user_of_session("2", kDesktop);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->user, "alice");
  EXPECT_EQ(user->uid, 1000u);
  EXPECT_EQ(user->session, "2");
  EXPECT_EQ(user->seat, "seat0");
}

TEST(SeatUser, RemoteGreeterClosingAndSeatlessSessionsAreNot) {
  EXPECT_FALSE(seat_user_of_session("3", "UID=1001\nUSER=bob\nACTIVE=1\nSTATE=active\nREMOTE=1\nCLASS=user\n"));
  EXPECT_FALSE(seat_user_of_session("4", "UID=111\nUSER=lightdm\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=greeter\n"
                                         "SEAT=seat0\n"));
  EXPECT_FALSE(seat_user_of_session("5", "UID=1000\nUSER=alice\nACTIVE=0\nSTATE=closing\nREMOTE=0\nCLASS=user\n"
                                         "SEAT=seat0\n"));
  EXPECT_FALSE(seat_user_of_session("6", "UID=1000\nUSER=alice\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=user\n"));
  EXPECT_FALSE(seat_user_of_session("7", "UID=x1\nUSER=alice\nACTIVE=1\nSTATE=active\nCLASS=user\nSEAT=seat0\n"));
  EXPECT_FALSE(seat_user_of_session("8", ""));
}

class SeatUserFolder : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  testing::FakeSysfs tree_;  // only for its temporary folder
  std::filesystem::path dir_ = tree_.base() / "sessions";
};

TEST_F(SeatUserFolder, PicksSeat0ThenTheLowestSession) {
  write("10", "UID=1002\nUSER=carol\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=user\nSEAT=seat0\n");
  write("9", "UID=1003\nUSER=dave\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=user\nSEAT=seat1\n");
  write("11", "UID=1001\nUSER=bob\nACTIVE=1\nSTATE=active\nREMOTE=1\nCLASS=user\n");
  write("10.ref", "");
  auto user = active_seat_user(dir_);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->user, "carol");
  write("2", kDesktop);
  user = active_seat_user(dir_);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->user, "alice");
  EXPECT_EQ(user->session, "2");
}

TEST_F(SeatUserFolder, NoFolderOrNoLocalSessionIsNobody) {
  EXPECT_FALSE(active_seat_user(dir_ / "missing").has_value());
  write("11", "UID=1001\nUSER=bob\nACTIVE=1\nSTATE=active\nREMOTE=1\nCLASS=user\n");
  EXPECT_FALSE(active_seat_user(dir_).has_value());
}

}  // namespace
}  // namespace custos::device
