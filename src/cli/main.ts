export async function main(argv: readonly string[]): Promise<number> {
  console.log('hello', argv.slice(2));
  return 0;
}
