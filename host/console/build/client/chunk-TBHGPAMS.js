import{a as u,b as p,c as m,i as a,k as i}from"/_sandkit/console/chunk-Q4ABSX4G.js";var c=u(n=>{"use strict";var g=Symbol.for("react.transitional.element"),E=Symbol.for("react.fragment");function l(r,e,t){var s=null;if(t!==void 0&&(s=""+t),e.key!==void 0&&(s=""+e.key),"key"in e){t={};for(var o in e)o!=="key"&&(t[o]=e[o])}else t=e;return e=t.ref,{$$typeof:g,type:r,key:s,ref:e!==void 0?e:null,props:t}}n.Fragment=E;n.jsx=l;n.jsxs=l});var x=u((O,f)=>{"use strict";f.exports=c()});var d=p(m());function w(){let r=i();for(let e=r.length-1;e>=0;e--){let t=r[e].handle;if(t&&t.kind==="page")return r[e].data??null}return null}function C(){let e=(0,d.useContext)(a)?.actionData;if(!e)return;let t=Object.values(e);return t.length?t[t.length-1]:void 0}export{w as a,C as b,x as c};
/*! Bundled license information:

react/cjs/react-jsx-runtime.production.js:
  (**
   * @license React
   * react-jsx-runtime.production.js
   *
   * Copyright (c) Meta Platforms, Inc. and affiliates.
   *
   * This source code is licensed under the MIT license found in the
   * LICENSE file in the root directory of this source tree.
   *)
*/
