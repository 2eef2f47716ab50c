#include "custos/policy/device_json.hpp"

#include <gtest/gtest.h>

namespace custos::policy {
namespace {

TEST(DeviceJson, ReadsTheDocumentedShape) {
  auto device = parse_device_json(R"({"id":"0781:5581","serial":"4C53","name":"Cruzer","hash":"h=",
    "via_port":"1-2","connect_type":"hotplug","interfaces":["08:06:50","03:01:01"]})");
  ASSERT_TRUE(device.has_value()) << device.error().describe();
  EXPECT_EQ(device->vendor_id, 0x0781);
  EXPECT_EQ(device->product_id, 0x5581);
  EXPECT_EQ(device->serial, "4C53");
  EXPECT_EQ(device->name, "Cruzer");
  EXPECT_EQ(device->hash, "h=");
  EXPECT_EQ(device->via_port, "1-2");
  EXPECT_EQ(device->connect_type, ConnectType::hotplug);
  ASSERT_EQ(device->interfaces.size(), 2U);
  EXPECT_EQ(device->interfaces[1], (InterfaceClass{0x03, 0x01, 0x01}));
}

TEST(DeviceJson, OnlyIdIsRequired) {
  auto device = parse_device_json(R"({"id":"ABCD:ef01"})");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->vendor_id, 0xabcd);
  EXPECT_EQ(device->connect_type, ConnectType::unknown);
  EXPECT_TRUE(device->interfaces.empty());
}

TEST(DeviceJson, EachRejection) {
  const std::string_view cases[] = {
      "not json",
      "[1]",
      R"({"serial":"x"})",
      R"({"id":"781:5581"})",
      R"({"id":"0781:55811"})",
      R"({"id":5})",
      R"({"id":"0781:5581","interfaces":"08:06:50"})",
      R"({"id":"0781:5581","interfaces":["08:06"]})",
      R"({"id":"0781:5581","connect_type":"usb"})",
      R"({"id":"0781:5581","colour":"red"})",
  };
  for (const auto json : cases) {
    auto device = parse_device_json(json);
    ASSERT_FALSE(device.has_value()) << json;
    EXPECT_EQ(device.error().code, ErrorCode::invalid_argument) << json;
  }
}

}  // namespace
}  // namespace custos::policy
