// CSS imports are bundled into page.css by esbuild.
declare module '*.css';
