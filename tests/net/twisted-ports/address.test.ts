/**
 * Ported from Twisted 22.4's twisted/internet/test/test_address.py (equality, reprs, linked UNIX
 * socket files; Python's hashing has no JavaScript counterpart: `equals` is the comparison).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HostnameAddress, IPv4Address, IPv6Address, UNIXAddress, type Address } from "../../../net";

type Built = Address | HostnameAddress;

function addressTests(build: () => Built, buildDifferent: () => Built): void {
  it("test_addressComparison", () => {
    expect(build().equals(build())).to.equal(true);
    expect(!build().equals(build())).to.equal(false);
  });

  it("test_differentNamesComparison", () => {
    expect(build().equals(buildDifferent())).to.equal(false);
    expect(buildDifferent().equals(build())).to.equal(false);
    expect(!build().equals(buildDifferent())).to.equal(true);
    expect(!buildDifferent().equals(build())).to.equal(true);
  });
}

describe("twisted ports: test_address", () => {
  let dir: string;
  let counter = 0;
  const mktemp = (): string => join(dir, `t${++counter}`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tts-address-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("HostnameAddressTests", () => {
    addressTests(
      () => new HostnameAddress("example.com", 0),
      () => new HostnameAddress("example.net", 0),
    );
  });

  describe("IPv4AddressTCPTests", () => {
    addressTests(
      () => new IPv4Address("TCP", "127.0.0.1", 0),
      () => new IPv4Address("TCP", "127.0.0.2", 0),
    );
    it("differs from the same address over UDP, and from an IPv6Address", () => {
      expect(new IPv4Address("TCP", "127.0.0.1", 0).equals(new IPv4Address("UDP", "127.0.0.1", 0))).to.equal(false);
      expect(new IPv4Address("TCP", "::1", 0).equals(new IPv6Address("TCP", "::1", 0))).to.equal(false);
      expect(new IPv6Address("TCP", "::1", 0).equals(new IPv4Address("TCP", "::1", 0))).to.equal(false);
    });
  });

  describe("IPv4AddressUDPTests", () => {
    addressTests(
      () => new IPv4Address("UDP", "127.0.0.1", 0),
      () => new IPv4Address("UDP", "127.0.0.2", 0),
    );
  });

  describe("IPv6AddressTests", () => {
    addressTests(
      () => new IPv6Address("TCP", "::1", 0),
      () => new IPv6Address("TCP", "::2", 0),
    );
    it("has Twisted's flowInfo and scopeID (0 by default), compared too", () => {
      const a = new IPv6Address("TCP", "fe80::1", 80, 0, "eth0");
      expect(new IPv6Address("TCP", "::1", 0).flowInfo).to.equal(0);
      expect(new IPv6Address("TCP", "::1", 0).scopeID).to.equal(0);
      expect(a.scopeID).to.equal("eth0");
      expect(a.equals(new IPv6Address("TCP", "fe80::1", 80, 0, "eth0"))).to.equal(true);
      expect(a.equals(new IPv6Address("TCP", "fe80::1", 80))).to.equal(false);
    });
  });

  describe("UNIXAddressTests", () => {
    let socketAddress: string;
    let otherAddress: string;
    beforeEach(() => {
      socketAddress = mktemp();
      otherAddress = mktemp();
    });
    addressTests(
      () => new UNIXAddress(socketAddress),
      () => new UNIXAddress(otherAddress),
    );

    it("test_repr", () => {
      expect(String(new UNIXAddress(socketAddress))).to.equal(`UNIXAddress('${socketAddress}')`);
    });

    it("test_comparisonOfLinkedFiles", () => {
      const linkName = mktemp();
      writeFileSync(socketAddress, "");
      symlinkSync(resolve(socketAddress), linkName);
      expect(new UNIXAddress(socketAddress).equals(new UNIXAddress(linkName))).to.equal(true);
      expect(new UNIXAddress(linkName).equals(new UNIXAddress(socketAddress))).to.equal(true);
    });
  });

  describe("EmptyUNIXAddressTests", () => {
    let socketAddress: string;
    beforeEach(() => {
      socketAddress = mktemp();
    });
    addressTests(
      () => new UNIXAddress(null),
      () => new UNIXAddress(socketAddress),
    );

    it("test_comparisonOfLinkedFiles", () => {
      const linkName = mktemp();
      writeFileSync(socketAddress, "");
      symlinkSync(resolve(socketAddress), linkName);
      expect(new UNIXAddress(socketAddress).equals(new UNIXAddress(null))).to.equal(false);
      expect(new UNIXAddress(null).equals(new UNIXAddress(socketAddress))).to.equal(false);
    });

    it("repr of an unnamed address", () => {
      expect(String(new UNIXAddress(null))).to.equal("UNIXAddress(None)");
    });
  });
});
