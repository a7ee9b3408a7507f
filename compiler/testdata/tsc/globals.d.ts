// What the compiler's esbuild step provides besides packages.
declare module "*.css";
