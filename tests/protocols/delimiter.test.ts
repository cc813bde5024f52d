import { expect } from "chai";
import { delimiterBytes } from "../../protocols/delimiter";

describe("protocols/delimiter: delimiterBytes", () => {
  it("passes a Buffer through as it is", () => {
    const b = Buffer.from("\r\n");
    expect(delimiterBytes(b)).to.equal(b);
  });

  it("converts a string as UTF-8, the same Buffer each time for the same string", () => {
    const first = delimiterBytes("é;");
    expect(first.equals(Buffer.from([0xc3, 0xa9, 0x3b]))).to.equal(true);
    expect(delimiterBytes("é;")).to.equal(first);
    expect(delimiterBytes("\n")).to.not.equal(first);
  });

  it("stays small: past 64 distinct strings it starts over, still converting correctly", () => {
    for (let i = 0; i < 200; i++) expect(delimiterBytes(`<${i}>`).toString()).to.equal(`<${i}>`);
  });
});
