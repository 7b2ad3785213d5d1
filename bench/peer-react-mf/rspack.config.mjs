// Three production builds (shell host + auth and dashboard remotes) written into one static tree, dist/.
// `rspack build` runs them as one multi-compiler; see README.md.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rspack } from '@rspack/core';
import { ModuleFederationPlugin } from '@module-federation/enhanced/rspack';

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

// React and react-dom are loaded once, by whichever container provides them first (the shell).
const shared = {
  react: { singleton: true, requiredVersion: require('react/package.json').version },
  'react-dom': { singleton: true, requiredVersion: require('react-dom/package.json').version },
};

function app({ name, entry, outDir, publicPath, federation, html }) {
  return {
    name,
    mode: 'production',
    target: 'web',
    devtool: false, // no eval-based source maps: the server's CSP has no 'unsafe-eval'
    context: root,
    entry: entry ? { main: entry } : {}, // remotes need only their remoteEntry.js
    output: {
      path: outDir,
      publicPath,
      filename: '[name].[contenthash:20].js',
      chunkFilename: '[name].[contenthash:20].js',
      cssFilename: '[name].[contenthash:20].css',
      cssChunkFilename: '[name].[contenthash:20].css',
      uniqueName: `peer_${name}`,
      clean: false, // all three write into dist/; `npm run build` empties it first
    },
    resolve: { extensions: ['.js', '.jsx'] },
    module: {
      rules: [
        {
          test: /\.jsx?$/,
          exclude: /node_modules/,
          loader: 'builtin:swc-loader',
          options: {
            jsc: {
              parser: { syntax: 'ecmascript', jsx: true },
              transform: { react: { runtime: 'automatic' } },
            },
            env: { targets: 'chrome >= 111, firefox >= 115, safari >= 16.4' },
          },
          type: 'javascript/auto',
        },
        { test: /\.css$/, type: 'css' },
      ],
    },
    optimization: { minimize: true },
    performance: { hints: false },
    plugins: [
      new ModuleFederationPlugin({
        name,
        shared,
        dts: false,
        manifest: false,
        // 'version-first' (the default) fetches every remote's remoteEntry.js when the share scope starts, so
        // /login would download the dashboard's; 'loaded-first' fetches a remote only when it is imported.
        shareStrategy: 'loaded-first',
        // Documented size switches: browser-only runtime, and no manifest snapshot code (remotes are plain
        // remoteEntry.js URLs). Remotes that consume no remotes also drop the remote-loading code.
        experiments: { optimization: { target: 'web', disableSnapshot: true, disableRemote: !federation.remotes } },
        ...federation,
      }),
      ...(html ? [new rspack.HtmlRspackPlugin(html)] : []),
    ],
  };
}

export default [
  app({
    name: 'shell',
    entry: './src/shell/index.js',
    outDir: dist,
    publicPath: '/',
    federation: {
      remotes: {
        auth: 'auth@/remotes/auth/remoteEntry.js',
        dashboard: 'dashboard@/remotes/dashboard/remoteEntry.js',
      },
    },
    html: { template: './src/shell/index.html', inject: 'head', scriptLoading: 'defer', minify: true },
  }),
  app({
    name: 'auth',
    outDir: path.join(dist, 'remotes/auth'),
    publicPath: '/remotes/auth/',
    federation: { filename: 'remoteEntry.js', exposes: { './Login': './src/auth/Login.jsx' } },
  }),
  app({
    name: 'dashboard',
    outDir: path.join(dist, 'remotes/dashboard'),
    publicPath: '/remotes/dashboard/',
    federation: { filename: 'remoteEntry.js', exposes: { './Dashboard': './src/dashboard/Dashboard.jsx' } },
  }),
];
