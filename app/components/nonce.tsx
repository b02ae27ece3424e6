import { createContext, useContext } from "react";

// The CSP nonce, provided by entry.server. Browsers hide nonce attributes from the DOM after load,
// so on the client it is empty and hydration still matches.
export const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
